"""trader: stock-prediction trading research.

Prices in a database, Keras models on sliding price windows, signals backtested with honest costs.
"""

__version__ = "0.1.0"
