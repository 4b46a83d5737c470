"""The desk (``/desk/``, agents and supervisors) and the self-service portal (``/portal/``,
customers' contacts): thin views, form → selector → workflow → redirect or partial."""
