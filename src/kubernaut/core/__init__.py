"""Domain types every layer shares: signals, resources, recommendations, actions, policy
decisions and execution results. Pydantic models, no I/O, and nothing else of ours."""
