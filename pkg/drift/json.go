package drift

import (
	"encoding/json"
	"math"
)

// MarshalJSON writes NaN and infinite numbers as null (JSON has no NaN) and
// adds a "notice" when the score is missing, so that consumers see why.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	aux := struct {
		plain
		Score     *float64 `json:"score"`
		Statistic *float64 `json:"statistic"`
		Notice    string   `json:"notice,omitempty"`
	}{plain: plain(r), Score: finite(r.Score), Statistic: finite(r.Statistic)}
	if aux.Score == nil && len(r.Notices) > 0 {
		aux.Notice = r.Notices[0]
	}
	return json.Marshal(aux)
}

// MarshalJSON writes a NaN share (no column had a verdict) as null.
func (d DatasetResult) MarshalJSON() ([]byte, error) {
	type plain DatasetResult
	return json.Marshal(struct {
		plain
		Share *float64 `json:"share"`
	}{plain: plain(d), Share: finite(d.Share)})
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON flattens the column's fields and its Result into one object:
// without it, Result's own MarshalJSON would be promoted and drop them.
func (c ColumnResult) MarshalJSON() ([]byte, error) {
	inner, err := json.Marshal(c.Result)
	if err != nil {
		return nil, err
	}
	head, err := json.Marshal(struct {
		Column           string `json:"column"`
		Type             string `json:"type"`
		MissingReference int    `json:"missing_reference"`
		MissingCurrent   int    `json:"missing_current"`
	}{c.Column, c.Type, c.MissingReference, c.MissingCurrent})
	if err != nil {
		return nil, err
	}
	// Both are JSON objects: join {head...} and {inner...}.
	out := make([]byte, 0, len(head)+len(inner))
	out = append(out, head[:len(head)-1]...)
	if len(inner) > 2 {
		out = append(out, ',')
		out = append(out, inner[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}
