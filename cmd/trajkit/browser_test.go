package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The report is checked in headless Chromium through the DevTools
// protocol over a pipe (--remote-debugging-pipe: JSON messages ended by a
// NUL byte on file descriptors 3 and 4), which needs neither a WebSocket
// client nor any npm package. Unlike scraping --enable-logging output,
// the protocol reports console errors, uncaught exceptions and failed
// loads as typed events, so the check does not depend on the format of
// Chromium's log; TestBrowserHarness shows that it does catch them.

// chromiumBinary returns the path of a Chromium binary, or skips the test.
// CI (.ci/run) installs Chromium and sets TRAJKIT_REQUIRE_BROWSER, which
// turns the skip into a failure.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TRAJKIT_REQUIRE_BROWSER") != "" {
		t.Fatal("no chromium binary on PATH, and TRAJKIT_REQUIRE_BROWSER is set")
	}
	t.Skip("no chromium binary on PATH: the report is not checked in a browser (Debian: apt-get install chromium)")
	return ""
}

// browser is a headless Chromium driven over the DevTools protocol.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	send    io.WriteCloser
	msgs    chan cdpMessage
	id      int
	session string
	stderr  bytes.Buffer
	// events are the protocol events received so far.
	events []cdpMessage
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *cdpError       `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// startBrowser starts Chromium with a fresh profile and opens a page.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromiumBinary(t)
	toChrome, chromeIn, err := os.Pipe() // Chromium reads fd 3
	if err != nil {
		t.Fatal(err)
	}
	chromeOut, fromChrome, err := os.Pipe() // Chromium writes fd 4
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, msgs: make(chan cdpMessage, 64)}
	b.cmd = exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	b.cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	fromChrome.Close()
	b.send = chromeIn
	go func() {
		r := bufio.NewReader(chromeOut)
		for {
			raw, err := r.ReadBytes(0)
			if err != nil {
				close(b.msgs)
				return
			}
			var m cdpMessage
			if json.Unmarshal(raw[:len(raw)-1], &m) == nil {
				b.msgs <- m
			}
		}
	}()
	t.Cleanup(b.close)
	var target struct{ TargetID string }
	b.call("Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct{ SessionID string }
	b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	for _, domain := range []string{"Page", "Runtime", "Log"} {
		b.call(domain+".enable", nil, nil)
	}
	return b
}

// call sends a command to the page (or the browser before a page is
// attached) and waits for its result, keeping the events that come first.
func (b *browser) call(method string, params any, result any) {
	b.t.Helper()
	b.id++
	msg := map[string]any{"id": b.id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if b.session != "" {
		msg["sessionId"] = b.session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.send.Write(append(raw, 0)); err != nil {
		b.t.Fatalf("%s: %v; chromium stderr:\n%s", method, err, b.tail())
	}
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("%s: chromium closed the pipe; stderr:\n%s", method, b.tail())
			}
			if m.ID != b.id {
				if m.Method != "" {
					b.events = append(b.events, m)
				}
				continue
			}
			if m.Error != nil {
				b.t.Fatalf("%s: %s", method, m.Error.Message)
			}
			if result != nil {
				if err := json.Unmarshal(m.Result, result); err != nil {
					b.t.Fatalf("%s: %v", method, err)
				}
			}
			return
		case <-timeout:
			b.t.Fatalf("%s: no answer from chromium in 60 s; stderr:\n%s", method, b.tail())
		}
	}
}

// waitEvent waits for an event of the page, keeping it with the others.
func (b *browser) waitEvent(method string) {
	b.t.Helper()
	for _, m := range b.events {
		if m.Method == method {
			return
		}
	}
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("waiting for %s: chromium closed the pipe; stderr:\n%s", method, b.tail())
			}
			if m.Method != "" {
				b.events = append(b.events, m)
			}
			if m.Method == method {
				return
			}
		case <-timeout:
			b.t.Fatalf("no %s in 60 s", method)
		}
	}
}

// open loads a URL, width CSS pixels wide, and waits for its load event.
func (b *browser) open(url string, width int) {
	b.t.Helper()
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil)
	b.call("Page.navigate", map[string]any{"url": url}, nil)
	b.waitEvent("Page.loadEventFired")
	// A round trip after the load event lets events raised during the
	// load arrive first.
	b.eval("1", nil)
}

// eval evaluates a JavaScript expression in the page; its value is
// decoded into result.
func (b *browser) eval(expr string, result any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("evaluating %s: %s", expr, r.ExceptionDetails.Text)
	}
	if result != nil {
		if err := json.Unmarshal(r.Result.Value, result); err != nil {
			b.t.Fatalf("evaluating %s: %v", expr, err)
		}
	}
}

// problems returns the console errors, uncaught exceptions and error log
// entries (failed loads among them) reported so far.
func (b *browser) problems() []string {
	var out []string
	for _, m := range b.events {
		switch m.Method {
		case "Runtime.exceptionThrown":
			var p struct {
				ExceptionDetails struct {
					Text      string `json:"text"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(m.Params, &p)
			out = append(out, "exception: "+p.ExceptionDetails.Text+" "+p.ExceptionDetails.Exception.Description)
		case "Runtime.consoleAPICalled":
			var p struct {
				Type string `json:"type"`
				Args []struct {
					Value any `json:"value"`
				} `json:"args"`
			}
			json.Unmarshal(m.Params, &p)
			if p.Type == "error" || p.Type == "assert" {
				out = append(out, fmt.Sprintf("console.%s: %v", p.Type, p.Args))
			}
		case "Log.entryAdded":
			var p struct {
				Entry struct {
					Level, Source, Text, URL string
				} `json:"entry"`
			}
			json.Unmarshal(m.Params, &p)
			if p.Entry.Level == "error" {
				out = append(out, fmt.Sprintf("log (%s): %s %s", p.Entry.Source, p.Entry.Text, p.Entry.URL))
			}
		}
	}
	return out
}

// screenshot returns a PNG of the whole page.
func (b *browser) screenshot() image.Image {
	b.t.Helper()
	var metrics struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	b.call("Page.getLayoutMetrics", nil, &metrics)
	var shot struct{ Data string }
	b.call("Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": metrics.CSSContentSize.Height, "scale": 1},
	}, &shot)
	raw, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	return img
}

// printPDF prints the page as the print dialogue would and returns the PDF.
func (b *browser) printPDF() []byte {
	b.t.Helper()
	var pdf struct{ Data string }
	b.call("Page.printToPDF", map[string]any{"printBackground": false}, &pdf)
	raw, err := base64.StdEncoding.DecodeString(pdf.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	return raw
}

// printLayout lays the page out as it prints: print styles, and the
// width of a Letter page (8.5 in, Chromium's default paper) less the
// report's margins of 14 mm (@page), in CSS pixels of 1/96 in.
func (b *browser) printLayout() {
	b.t.Helper()
	width := math.Floor(8.5*96 - 2*14/25.4*96)
	b.call("Emulation.setEmulatedMedia", map[string]any{"media": "print"}, nil)
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": false}, nil)
	b.eval("1", nil)
}

func (b *browser) close() {
	if b.cmd.Process == nil {
		return
	}
	b.session = ""
	if raw, err := json.Marshal(map[string]any{"id": 1 << 30, "method": "Browser.close"}); err == nil {
		b.send.Write(append(raw, 0))
	}
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
	b.send.Close()
}

// tail returns the end of Chromium's stderr, for failure messages.
func (b *browser) tail() string {
	s := b.stderr.String()
	return s[max(0, len(s)-2000):]
}

// TestBrowserHarness checks that the harness catches what TestReportInBrowser
// must not see: a console error, an uncaught exception and a failed load.
func TestBrowserHarness(t *testing.T) {
	b := startBrowser(t)
	page := t.TempDir() + "/bad.html"
	bad := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body><p>bad</p>
<img src="missing.png" alt="">
<script>console.error("deliberate"); undefinedFunction();</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("file://"+page, 800)
	got := strings.Join(b.problems(), "\n")
	for _, want := range []string{"console.error", "undefinedFunction", "missing.png"} {
		if !strings.Contains(got, want) {
			t.Errorf("the harness missed %q; it reported:\n%s", want, got)
		}
	}
}
