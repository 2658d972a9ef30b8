"""Kubernaut: agentic Kubernetes remediation."""

__version__ = "0.1.0"
