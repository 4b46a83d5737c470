from django.apps import AppConfig


class ProblemDeskConfig(AppConfig):
    name = "problemdesk"
    verbose_name = "ProblemDesk runtime"
