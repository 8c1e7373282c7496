"""Serving the dashboard in production: nginx in front of several Streamlit workers (serve.py)."""
