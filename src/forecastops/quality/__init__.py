"""How good a forecast is: metrics, the pass/fail gate, and the plots that show them."""
