# cmake -DINPUT=FILE -DOUTPUT=HEADER -DNAME=SYMBOL -P embed.cmake
# Writes HEADER with `static const unsigned char SYMBOL[]` holding FILE's bytes.
file(READ "${INPUT}" bytes HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${bytes}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n\t"
	bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT} by cmake/embed.cmake; do not edit. */\n"
	"static const unsigned char ${NAME}[] = {\n\t${bytes}\n};\n")
