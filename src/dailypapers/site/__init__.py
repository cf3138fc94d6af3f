"""The static site: pages, feeds and the search index, built from the store.
Imports the ground floor, the store and digest."""
