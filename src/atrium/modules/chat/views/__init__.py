"""The chat's pages. Thin views: rights are the domain's (abilities, queries, actions)."""
