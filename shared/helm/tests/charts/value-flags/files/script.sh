line one
line "two": {x}
	üñí
