"""LangGraph graphs: the remediation state machine, its state and its dependencies."""
