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

// Threads returns t, or the number of usable CPUs when t ≤ 0.
func Threads(t int) int {
	if t <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return t
}

// ForShards calls fn(s, from, to) for every shard of n persons on up to
// threads goroutines. fn must write only to places owned by its shard.
func ForShards(n, threads int, fn func(s, from, to int)) {
	ForEach(NumShards(n), threads, func(s int) {
		from, to := Shard(s, n)
		fn(s, from, to)
	})
}

// ForEach calls fn(j) for 0 ≤ j < n on up to threads goroutines.
func ForEach(n, threads int, fn func(j int)) {
	threads = min(Threads(threads), n)
	if threads <= 1 {
		for j := 0; j < n; j++ {
			fn(j)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	wg.Add(threads)
	for t := 0; t < threads; t++ {
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				j := next
				next++
				mu.Unlock()
				if j >= n {
					return
				}
				fn(j)
			}
		}()
	}
	wg.Wait()
}
