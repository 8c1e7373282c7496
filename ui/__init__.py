"""Dashboard presentation helpers shared by pages: page context, labels, widgets."""
