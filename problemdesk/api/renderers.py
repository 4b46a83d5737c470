from rest_framework.renderers import JSONRenderer as BaseJSONRenderer


class JSONRenderer(BaseJSONRenderer):
    """``application/json;charset=utf-8``, as the TMF specifications produce."""

    charset = "utf-8"
