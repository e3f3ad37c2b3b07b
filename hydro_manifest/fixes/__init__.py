"""Fixes: the edits that make a finding go away, and applying them.

A rule whose hint is mechanical declares a fix kind (`Rule.fix`: safe or unsafe). The code
that raises one of its findings attaches a `Change` (`changes`): what to change, said in
terms of the document (replace this value, remove this key, add that key). `edits` turns
a change into text edits from the loader's positions, so that everything else in the file
(comments, quoting, order, blank lines, line endings) stays byte for byte; `engine`
applies them, checks the file again, and makes the diff.
"""
