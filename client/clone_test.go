package client

import (
	"crypto/tls"
	"reflect"
	"testing"
)

// TestCloneCopiesEveryField sets every exported field of a Client and
// checks that Clone carries it over, so that a field added to Client
// and forgotten in Clone fails here.
func TestCloneCopiesEveryField(t *testing.T) {
	var c Client
	v := reflect.ValueOf(&c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Func:
			f.Set(reflect.MakeFunc(f.Type(), func([]reflect.Value) []reflect.Value { return nil }))
		case reflect.Int64:
			f.SetInt(int64(i + 1))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Interface:
			f.Set(reflect.ValueOf(tls.NewLRUClientSessionCache(1)))
		default:
			t.Fatalf("field %s of kind %s: teach this test (and check Clone) to set it", sf.Name, f.Kind())
		}
	}
	d := reflect.ValueOf(c.Clone()).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, g, sf := v.Field(i), d.Field(i), v.Type().Field(i)
		switch {
		case !sf.IsExported():
		case f.Kind() == reflect.Func:
			if f.Pointer() != g.Pointer() {
				t.Errorf("Clone lost %s", sf.Name)
			}
		case !g.Equal(f):
			t.Errorf("Clone: %s = %v, want %v", sf.Name, g, f)
		}
	}
}

// TestCloneSharesOwnSessionCache checks that a clone of a client with no
// SessionCache resumes from the cache the original keeps, and that
// changing the clone leaves the original alone.
func TestCloneSharesOwnSessionCache(t *testing.T) {
	c := &Client{MaxSize: 10}
	d := c.Clone()
	if d.SessionCache == nil || d.SessionCache != c.sessionCache() {
		t.Errorf("clone's SessionCache = %v, want the original's own cache", d.SessionCache)
	}
	d.MaxSize = 20
	if c.MaxSize != 10 {
		t.Errorf("changing the clone changed the original: MaxSize %d", c.MaxSize)
	}
	off := (&Client{DisableResumption: true}).Clone()
	if off.SessionCache != nil || !off.DisableResumption {
		t.Errorf("clone of a client without resumption: cache %v, disabled %v", off.SessionCache, off.DisableResumption)
	}
}
