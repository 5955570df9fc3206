"""hipcheck: triage, likely causes, a care plan and training analysis for runners with hip pain.

Not a diagnosis. The public library surface is re-exported here as it becomes stable.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
