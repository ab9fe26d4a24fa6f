from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "yingshang.assessment"
    label = "assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from yingshang.core.uploads import register_attachment_access

        from . import permissions

        register_attachment_access("assessment.objection", permissions._objection_download)
        register_attachment_access(
            "assessment.evaluationvalue",
            lambda user, value: (
                permissions.can_view_monitoring(user)
                and permissions.can_report_evaluation(user, value.indicator)
            ),
        )
