"""What every domain area reads and none owns: the enterprise directory (rows, scope, search).

It sits below the areas (see the import contracts in pyproject.toml): areas import it, it imports
no area, so an area's pages can use another area (the enterprise timeline uses the board) without
the two importing each other.
"""
