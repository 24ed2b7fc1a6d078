"""The rollout's workflows: the Lambda's phases, rotation, and the status report with its next step."""
