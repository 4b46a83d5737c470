"""TMF656 Service Problem v4 (``/tmf-api/serviceProblemManagement/v4/``) over service
trouble reports, and TMF642 Alarm v4 (``/tmf-api/alarmManagement/v4/``) over alarms.

A service problem *is* a service trouble report seen through TMF656 (``problem_render``;
its states are TMF656's, so ``problem_status`` only names the workflow function of each
arrow); an alarm is an ``Alarm`` (``alarm_render``); writes go through ``services.workflow``,
``services.alarms`` and ``services.alarm_tasks``. Authentication, errors, the query grammar
and the event hub are ``problemdesk.api``'s.
"""
