"""The one error the reference lab raises: what went wrong and what to do about it."""


class LabError(Exception):
    """The reference lab could not be built, inspected or taken down."""
