package prometheus

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A raw range answer like the drift benchmark's: 1,600 bucket series of 65
// samples each (about 6 MB).
func rawAnswer() []byte {
	var b strings.Builder
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for s := 0; s < 1600; s++ {
		if s > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metric":{"__name__":"ml_feature_value_bucket","feature":"f%02d","instance":"a","le":"%d","model":"fraud"},"values":[`, s/16, s%16)
		for i := 0; i < 65; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `[%d.%03d,"%d"]`, 1700000000+60*i, i%1000, 1000*i+s)
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}")
	return []byte(b.String())
}

func BenchmarkDecodeRawRange(b *testing.B) {
	body := rawAnswer()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		d := newDecoder(bytes.NewReader(body), Limits{})
		res := &Result{}
		if _, err := d.envelope(func() error { return d.queryData(res) }); err != nil {
			b.Fatal(err)
		}
	}
}
