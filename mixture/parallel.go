package mixture

import (
	"runtime"
	"sync"
)

// ShardSize is the number of persons in one shard of work. Shard boundaries
// depend only on the number of persons, never on the number of threads, and
// partial results are reduced in shard order, so every result is
// bit-identical whatever the number of threads.
const ShardSize = 4096

// NumShards returns the number of shards for n persons.
func NumShards(n int) int { return (n + ShardSize - 1) / ShardSize }

// Shard returns the persons [from, to) of shard s for n persons.
func Shard(s, n int) (from, to int) {
	from = s * ShardSize
	to = min(from+ShardSize, n)
	return from, to
}

// Threads returns t, or the number of usable CPUs when t ≤ 0, and at
// most MaxThreads.
func Threads(t int) int {
	if t <= 0 {
		t = runtime.GOMAXPROCS(0)
	}
	return min(t, MaxThreads)
}

// ForShards calls fn(s, from, to) for every shard of n persons on up to
// threads goroutines. fn must write only to places owned by its shard.
func ForShards(n, threads int, fn func(s, from, to int)) {
	ForEach(NumShards(n), threads, func(s int) {
		from, to := Shard(s, n)
		fn(s, from, to)
	})
}

// ForEach calls fn(j) for 0 ≤ j < n on up to threads goroutines. It starts
// goroutines on every call; the EM loop uses a pool instead.
func ForEach(n, threads int, fn func(j int)) {
	p := newPool(min(Threads(threads), n))
	defer p.close()
	p.run(&job{fn: fn}, n)
}

// pool is a fixed set of goroutines that run the tasks of jobs: one pool
// per fit, started once, so an EM iteration starts no goroutine and
// allocates nothing.
//
// The goroutine that calls run works on its own job's tasks too, and idle
// workers take tasks from the newest job first, so jobs may nest (the
// E-step shards of a run inside the job of running the starts) without
// deadlock: a caller never waits for a task that no goroutine is running.
// Which goroutine runs which task never changes a result, because tasks
// write only to places they own and callers reduce in task order.
type pool struct {
	threads int // goroutines in all, the caller of run included
	mu      sync.Mutex
	work    sync.Cond // signalled when a job is added or the pool closes
	jobs    []*job    // jobs with tasks not yet taken, oldest first
	closed  bool
	done    sync.WaitGroup
}

// job is a loop of tasks fn(0), ..., fn(n−1). It is reused from one run to
// the next, so fn is bound once (a method value made when the EM run is
// set up) and running it allocates nothing.
type job struct {
	fn      func(task int)
	n, next int
	running int       // tasks taken and not yet finished
	idle    sync.Cond // signalled when running falls to zero
}

// newPool starts a pool of threads goroutines in all: threads−1 workers
// and the goroutine that calls run. A nil pool, or one of one thread, runs
// every job on the calling goroutine.
func newPool(threads int) *pool {
	if threads <= 1 {
		return nil
	}
	p := &pool{threads: threads, jobs: make([]*job, 0, 8)}
	p.work.L = &p.mu
	p.done.Add(threads - 1)
	for t := 1; t < threads; t++ {
		go p.worker()
	}
	return p
}

// size returns the number of goroutines that run p's jobs: 1 for a nil
// pool.
func (p *pool) size() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// close stops the workers once they are idle.
func (p *pool) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.closed = true
	p.work.Broadcast()
	p.mu.Unlock()
	p.done.Wait()
}

// run calls j.fn(t) for 0 ≤ t < n, on the calling goroutine and any idle
// worker, and returns when every call has returned.
func (p *pool) run(j *job, n int) {
	if p == nil || n <= 1 {
		for t := 0; t < n; t++ {
			j.fn(t)
		}
		return
	}
	p.mu.Lock()
	if j.idle.L == nil {
		j.idle.L = &p.mu
	}
	j.n, j.next, j.running = n, 0, 0
	p.jobs = append(p.jobs, j)
	p.work.Broadcast()
	for j.next < j.n {
		p.runTask(j)
	}
	for j.running > 0 {
		j.idle.Wait()
	}
	p.mu.Unlock()
}

// runTask runs the next task of j; it is called and returns with p.mu held.
func (p *pool) runTask(j *job) {
	t := j.next
	j.next++
	if j.next == j.n {
		p.remove(j)
	}
	j.running++
	p.mu.Unlock()
	j.fn(t)
	p.mu.Lock()
	j.running--
	if j.running == 0 && j.next == j.n {
		j.idle.Signal()
	}
}

// remove takes j, whose tasks have all been taken, off the list.
func (p *pool) remove(j *job) {
	for i, x := range p.jobs {
		if x == j {
			copy(p.jobs[i:], p.jobs[i+1:])
			p.jobs[len(p.jobs)-1] = nil
			p.jobs = p.jobs[:len(p.jobs)-1]
			return
		}
	}
}

func (p *pool) worker() {
	defer p.done.Done()
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for len(p.jobs) == 0 && !p.closed {
			p.work.Wait()
		}
		if p.closed {
			return
		}
		p.runTask(p.jobs[len(p.jobs)-1])
	}
}
