"""LangGraph graphs: the remediation state machine, its state, its dependencies, and the
checkpointer that keeps its threads in custom resources."""
