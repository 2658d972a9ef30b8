"""One adapter per sender: its payload model (validation and OpenAPI) and how it becomes
:class:`~kubernaut.core.signal.Signal` objects."""
