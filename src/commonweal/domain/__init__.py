"""The pure rules of civic life: which events are allowed and what they change. No I/O."""
