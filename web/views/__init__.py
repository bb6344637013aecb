"""The pages' views: thin, over the apps' services and selectors."""
