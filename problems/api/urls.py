"""``/tmf-api/troubleTicket/v4/`` (mounted by ``problemdesk.api.urls``)."""

from django.urls import path

from problemdesk.api.hub.views import hub_views
from problems.api.events import TROUBLE_TICKET
from problems.api.views import PERMISSIONS, TAG, TroubleTicketDetailView, TroubleTicketListView

HubView, HubDetailView = hub_views(TROUBLE_TICKET, permission_classes=PERMISSIONS, tag=TAG)

urlpatterns = [
    path("troubleTicket", TroubleTicketListView.as_view(), name="troubleticket-list"),
    path("troubleTicket/<str:id>", TroubleTicketDetailView.as_view(), name="troubleticket-detail"),
    path("hub", HubView.as_view(), name="troubleticket-hub"),
    path("hub/<str:id>", HubDetailView.as_view(), name="troubleticket-hub-detail"),
]
