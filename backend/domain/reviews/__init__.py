"""审核 (review): SASAC's decisions on submitted versions, exemptions and extensions."""
