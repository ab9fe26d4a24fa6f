from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("model/", views.model_page, name="model"),
    path("model/progress/", views.training_progress, name="progress"),
    path("model/retrain/", views.retrain, name="retrain"),
    path("model/rollback/", views.rollback, name="rollback"),
    path("model/<str:version>/activate/", views.activate, name="activate"),
    path("hotspots/", views.hotspot_list, name="hotspots"),
    path("hotspots/<int:anchor>/", views.hotspot_detail, name="hotspot"),
]
