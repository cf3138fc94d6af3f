"""The Markdown archive format and what readers see of it: render and parse digest files,
import an archive, write the files, and the plain views the site and the channels show.
Imports the ground floor and the store."""
