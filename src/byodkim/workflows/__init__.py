"""The operator's workflows: run from a laptop (CLI, Sceptre hook, sandbox), never in the Lambda."""
