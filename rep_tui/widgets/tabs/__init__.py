"""The contents of Customer Information's tabs, one module per kind."""
