"""django-fsm-2's admin integration, with the transitions run through the workflow.

The buttons list the transitions this user may take now (the selector decides, with only
the situational guards: the form supplies the input), and a button runs the transition's
workflow function (never the transition method itself). Customer problems and service
trouble reports both use it.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest
from django_fsm.admin import FSMAdminMixin, FSMObjectTransition, FSMTransitionContext

from problems.workflow import WorkflowError


class WorkflowTransitionsAdminMixin(FSMAdminMixin):  # type: ignore[misc]
    fsm_fields = ["state"]
    # Set by the model's admin:
    available_transitions: Callable[[Any, Any], list[Any]]
    perform_transition: Callable[..., Any]

    def _get_fsm_extra_context(self, *, request: HttpRequest, obj: Any) -> Iterator[Any]:
        if obj is None:
            return
        available = [
            t
            for t in type(self).available_transitions(obj, request.user)
            if self.is_fsm_transition_visible(t)
        ]
        if available:
            yield FSMObjectTransition(
                fsm_field="state",
                block_label="Transition",
                available_transitions=[
                    FSMTransitionContext(name=t.name, label=self.get_fsm_label(t))
                    for t in available
                ],
            )

    def _apply_fsm_transition(
        self, *, obj: Any, transition_name: str, request: HttpRequest, kwargs: Any = None
    ) -> bool:
        try:
            type(self).perform_transition(
                obj, transition_name, actor=request.user, data=dict(kwargs or {})
            )
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return False
        self.message_user(request, f"{obj.reference}: {transition_name} done.", messages.SUCCESS)
        return True

    def get_fsm_transition_form(self, transition: Any) -> type[Form] | None:
        return self.fsm_forms.get(transition.name)  # type: ignore[no-any-return]
