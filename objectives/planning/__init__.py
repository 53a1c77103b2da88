"""Planning: authoring objectives and key results, coaching hints, the
template library, import and export, carry-over."""
