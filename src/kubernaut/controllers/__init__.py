"""The CRD controllers: the orchestrator of RemediationRequests, enrichment, the analysis
and workflow runners of the remediation graph, the executor of KubernetesExecutions,
approvals, and the sweeper of timeouts and retention. Built on kopf."""
