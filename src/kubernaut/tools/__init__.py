"""What the agent can do to a cluster: read tools, the action catalog, and the safety
policy that stands between a proposal and a write."""
