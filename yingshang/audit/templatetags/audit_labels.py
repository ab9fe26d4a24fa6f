"""Audit codes as people read them: {{ record.action|action_label }}, {{ record.object_type|object_type_label }}."""

from django import template

from yingshang.audit import labels

register = template.Library()
register.filter("action_label", labels.action_label)
register.filter("object_type_label", labels.object_type_label)
register.filter("roles_label", labels.roles_label)
