from django.contrib import admin

from .models import SourceSystem, WebhookDelivery


@admin.register(SourceSystem)
class SourceSystemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "account", "webhook_url", "is_active")
    exclude = ("webhook_secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source_system", "appeal", "event", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "source_system")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
