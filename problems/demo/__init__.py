"""Demo data: a believable desk (``manage.py seed_demo``)."""
