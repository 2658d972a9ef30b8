"""The actions of the catalog, one module per family, each exporting ``SPECS``: the
:class:`~kubernaut.tools.catalog_types.ActionSpec` entries with their parameter models
and planners. :mod:`kubernaut.tools.catalog` assembles them."""
