"""What every domain area reads and none owns: the enterprise directory (rows, scope, search),
the API's paging, and the streaming upload reader (submissions and the three lists).

It sits below the areas (see the import contracts in pyproject.toml): areas import it, it imports
no area, so an area's pages can use another area (the enterprise timeline uses the board) without
the two importing each other.
"""
