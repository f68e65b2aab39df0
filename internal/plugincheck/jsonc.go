package plugincheck

import (
	"encoding/json"
	"errors"
)

// unmarshalJSONC decodes JSON that may contain // and /* */ comments and
// trailing commas, as the official packagejson analyzer accepts (hujson).
func unmarshalJSONC(b []byte, v any) error {
	clean, err := stripJSONC(b)
	if err != nil {
		return err
	}
	return json.Unmarshal(clean, v)
}

// stripJSONC blanks out comments and drops commas that directly precede
// a closing bracket, leaving string contents alone.
func stripJSONC(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			j := i + 1
			for ; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if j >= len(b) {
				return nil, errors.New("unterminated string")
			}
			out = append(out, b[i:j+1]...)
			i = j
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			i-- // keep the newline
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := -1
			for j := i + 2; j+1 < len(b); j++ {
				if b[j] == '*' && b[j+1] == '/' {
					end = j + 1
					break
				}
			}
			if end < 0 {
				return nil, errors.New("unterminated comment")
			}
			out = append(out, ' ')
			i = end
		default:
			out = append(out, c)
		}
	}
	return dropTrailingCommas(out), nil
}

func dropTrailingCommas(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				i++
				out = append(out, b[i])
			} else if c == '"' {
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}
