package drift

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// ColumnInput is one column of a table to compare. Numeric columns carry two
// Samples, categorical ones a Contingency.
type ColumnInput struct {
	Name    string
	Numeric bool
	Ref     *Sample
	Cur     *Sample
	Table   *Contingency
	// Method is a method name, or "" / "auto" for Evidently's default choice.
	Method  string
	Options Options
}

// ColumnResult is one column's outcome.
type ColumnResult struct {
	Column string `json:"column"`
	// Type is "num" or "cat".
	Type string `json:"type"`
	Result
	MissingReference int `json:"missing_reference"`
	MissingCurrent   int `json:"missing_current"`
}

// CompareColumns runs every column, in parallel over workers goroutines
// (GOMAXPROCS when workers <= 0). Results keep the input order. The first
// error (an unknown method, a method that does not fit the data) is
// returned with the column's name.
func CompareColumns(ctx context.Context, cols []ColumnInput, workers int) ([]ColumnResult, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]ColumnResult, len(cols))
	errs := make([]error, len(cols))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(cols), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i], errs[i] = compareColumn(cols[i])
			}
		}()
	}
feed:
	for i := range cols {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func compareColumn(c ColumnInput) (ColumnResult, error) {
	cr := ColumnResult{Column: c.Name, Type: "cat"}
	method := c.Method
	if c.Numeric {
		cr.Type = "num"
		cr.MissingReference, cr.MissingCurrent = c.Ref.Missing(), c.Cur.Missing()
		if method == "" || method == "auto" {
			method = AutoMethod(true, c.Ref.Len(), countUniqueMerged(c.Ref.Sorted(), c.Cur.Sorted()))
		}
		r, err := Numeric(method, c.Ref, c.Cur, c.Options)
		if err != nil {
			return cr, fmt.Errorf("column %q: %w", c.Name, err)
		}
		cr.Result = r
		return cr, nil
	}
	cr.MissingReference, cr.MissingCurrent = c.Table.Missing()
	if method == "" || method == "auto" {
		method = AutoMethod(false, int(c.Table.RefTotal()), len(c.Table.Categories))
	}
	r, err := Categorical(method, c.Table, c.Options)
	if err != nil {
		return cr, fmt.Errorf("column %q: %w", c.Name, err)
	}
	cr.Result = r
	return cr, nil
}
