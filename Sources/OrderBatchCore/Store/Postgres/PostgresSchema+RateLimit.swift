extension PostgresSchema {
    /// One rate limit for every worker of a run, or every job on one provider account (``PostgresRateTokens``).
    ///
    /// - `rate_limit_scopes`: a row per scope (`run/<id>` or `account/<provider>/<identity>`), locked by every
    ///   take so that takers of one scope queue, never overlap; it holds the pacing bucket and what a 429 did
    ///   (the share of the limits allowed, when it was lowered, the pause every taker honours).
    /// - `rate_limit_slots`: a row per (scope, window, slot) counting the tokens granted in that slot; a
    ///   window's slot is a 120th of it. A take inserts the current slot with `ON CONFLICT DO NOTHING` and adds
    ///   to it with `UPDATE … SET used = used + k`; older slots are deleted by the takes that pass them.
    /// - `orderbatch_take_rate_tokens(…)`: one round trip per batch of tokens. Time is the server's
    ///   (`clock_timestamp()` read once the scope is locked, so successive takes of a scope see growing times).
    ///
    /// Why slots rather than one row per fixed window: a fixed window lets 2 × its limit through in a rolling
    /// window (the end of one and the start of the next). Here a take of `k` at time `T` is granted only when,
    /// for every window `W` of the job, the tokens granted in the slots from `T − W − lifetime` to `T`, plus
    /// `k`, stay within the limit; tokens may start requests only within `lifetime` (one slot of the
    /// shortest window) of being asked for. Every rolling `W` then sees at most the limit of request starts.
    static let rateLimitSQL = """
        CREATE TABLE rate_limit_scopes (
            scope          text PRIMARY KEY,
            bucket_tokens  double precision NOT NULL,
            bucket_at      timestamptz NOT NULL,
            factor         double precision NOT NULL DEFAULT 1 CHECK (factor > 0 AND factor <= 1),
            lowered_at     timestamptz,
            paused_until   timestamptz,
            rate_limited   bigint NOT NULL DEFAULT 0,
            granted        bigint NOT NULL DEFAULT 0
        );

        CREATE TABLE rate_limit_slots (
            scope      text NOT NULL REFERENCES rate_limit_scopes (scope) ON DELETE CASCADE,
            window_ms  bigint NOT NULL,
            slot       bigint NOT NULL,
            used       integer NOT NULL DEFAULT 0 CHECK (used >= 0),
            PRIMARY KEY (scope, window_ms, slot)
        );

        -- The share of the limits allowed at t: f until the pause ends, then back to 1 in a straight line over
        -- recovery_ms.
        CREATE FUNCTION orderbatch_rate_factor(
            f double precision, paused_until timestamptz, t timestamptz, recovery_ms bigint
        ) RETURNS double precision LANGUAGE sql IMMUTABLE AS $fn$
            SELECT CASE
                WHEN f >= 1 OR paused_until IS NULL THEN least(1.0, f)
                WHEN t < paused_until THEN f
                ELSE least(1.0, f + (1.0 - f) * extract(epoch FROM t - paused_until) * 1000.0
                                       / greatest(1, recovery_ms))
            END
        $fn$;

        -- Takes up to p_want tokens of p_scope under the windows p_windows_ms with limits p_limits, after
        -- handing back the tokens p_return_counts of the grants p_return_ids.
        CREATE FUNCTION orderbatch_take_rate_tokens(
            p_scope text, p_windows_ms bigint[], p_limits integer[], p_want integer,
            p_return_ids bigint[], p_return_counts integer[], p_recovery_ms bigint
        ) RETURNS TABLE (granted integer, grant_ms bigint, lifetime_ms bigint, retry_ms bigint,
                         factor double precision)
        LANGUAGE plpgsql AS $fn$
        #variable_conflict use_column
        DECLARE
            s          rate_limit_scopes%ROWTYPE;
            n          integer := coalesce(array_length(p_windows_ms, 1), 0);
            t          timestamptz;
            t_ms       bigint;
            f          double precision;
            life_ms    bigint;
            slot_ms    bigint;
            rate       double precision;
            cap        double precision;
            tokens     double precision;
            g          integer;
            used_w     bigint;
            allowed_w  bigint;
            first_slot bigint;
            oldest     bigint;
            wait_ms    bigint := 0;
        BEGIN
            IF n = 0 OR n <> coalesce(array_length(p_limits, 1), 0) THEN
                RAISE EXCEPTION 'orderbatch_take_rate_tokens: one limit per window, at least one window';
            END IF;
            SELECT min(greatest(10, w / 120)) INTO life_ms FROM unnest(p_windows_ms) AS w;
            INSERT INTO rate_limit_scopes (scope, bucket_tokens, bucket_at)
                VALUES (p_scope, 'Infinity', clock_timestamp()) ON CONFLICT (scope) DO NOTHING;
            SELECT * INTO s FROM rate_limit_scopes WHERE scope = p_scope FOR UPDATE;
            t := clock_timestamp();
            t_ms := floor(extract(epoch FROM t) * 1000)::bigint;

            FOR i IN 1 .. coalesce(array_length(p_return_ids, 1), 0) LOOP
                FOR j IN 1 .. n LOOP
                    slot_ms := greatest(10, p_windows_ms[j] / 120);
                    UPDATE rate_limit_slots SET used = greatest(0, used - p_return_counts[i])
                     WHERE scope = p_scope AND window_ms = p_windows_ms[j] AND slot = p_return_ids[i] / slot_ms;
                END LOOP;
            END LOOP;

            f := orderbatch_rate_factor(s.factor, s.paused_until, t, p_recovery_ms);
            IF s.paused_until IS NOT NULL AND t < s.paused_until THEN
                RETURN QUERY SELECT 0, t_ms, life_ms,
                    ceil(extract(epoch FROM s.paused_until - t) * 1000)::bigint, f;
                RETURN;
            END IF;

            -- Pacing: a bucket refilled at the tightest window's rate over the span a window counts.
            SELECT min(p_limits[k] * f / (p_windows_ms[k] + life_ms + greatest(10, p_windows_ms[k] / 120)))
              INTO rate FROM generate_subscripts(p_windows_ms, 1) AS k;
            cap := greatest(1.0, rate * 1000.0);
            tokens := least(cap, s.bucket_tokens + rate * greatest(0, extract(epoch FROM t - s.bucket_at) * 1000.0));
            g := least(p_want, floor(tokens)::integer);
            IF g < 1 THEN
                wait_ms := ceil((1.0 - tokens) / rate)::bigint;
            END IF;

            FOR j IN 1 .. n LOOP
                slot_ms := greatest(10, p_windows_ms[j] / 120);
                first_slot := (t_ms - p_windows_ms[j] - life_ms) / slot_ms;
                DELETE FROM rate_limit_slots
                 WHERE scope = p_scope AND window_ms = p_windows_ms[j] AND slot < first_slot - 1;
                SELECT coalesce(sum(used), 0), min(slot) FILTER (WHERE used > 0) INTO used_w, oldest
                  FROM rate_limit_slots
                 WHERE scope = p_scope AND window_ms = p_windows_ms[j] AND slot >= first_slot;
                allowed_w := floor(p_limits[j] * f)::bigint - used_w;
                IF allowed_w < 1 THEN
                    wait_ms := greatest(wait_ms,
                        coalesce((oldest + 1) * slot_ms + p_windows_ms[j] + life_ms - t_ms, slot_ms));
                END IF;
                g := least(g, greatest(0, allowed_w)::integer);
            END LOOP;

            IF g > 0 THEN
                FOR j IN 1 .. n LOOP
                    slot_ms := greatest(10, p_windows_ms[j] / 120);
                    INSERT INTO rate_limit_slots (scope, window_ms, slot, used)
                        VALUES (p_scope, p_windows_ms[j], t_ms / slot_ms, 0) ON CONFLICT DO NOTHING;
                    UPDATE rate_limit_slots SET used = used + g
                     WHERE scope = p_scope AND window_ms = p_windows_ms[j] AND slot = t_ms / slot_ms;
                END LOOP;
            END IF;
            UPDATE rate_limit_scopes
               SET bucket_tokens = tokens - g, bucket_at = t, granted = rate_limit_scopes.granted + g
             WHERE scope = p_scope;
            RETURN QUERY SELECT g, t_ms, life_ms, greatest(wait_ms, 5), f;
        END
        $fn$;

        -- A request that started p_age_ms ago was refused with 429: unless the rate was lowered since it
        -- started, lower the share to p_decrease of what it is (not below p_floor) and pause every taker for
        -- p_pause_ms; the share then climbs back to 1 over p_recovery_ms.
        CREATE FUNCTION orderbatch_rate_limited(
            p_scope text, p_age_ms bigint, p_pause_ms bigint, p_decrease double precision,
            p_floor double precision, p_recovery_ms bigint
        ) RETURNS TABLE (lowered boolean, factor double precision, paused_ms bigint)
        LANGUAGE plpgsql AS $fn$
        #variable_conflict use_column
        DECLARE
            s  rate_limit_scopes%ROWTYPE;
            t  timestamptz;
            f  double precision;
            until timestamptz;
        BEGIN
            INSERT INTO rate_limit_scopes (scope, bucket_tokens, bucket_at)
                VALUES (p_scope, 'Infinity', clock_timestamp()) ON CONFLICT (scope) DO NOTHING;
            SELECT * INTO s FROM rate_limit_scopes WHERE scope = p_scope FOR UPDATE;
            t := clock_timestamp();
            UPDATE rate_limit_scopes SET rate_limited = rate_limited + 1 WHERE scope = p_scope;
            IF s.lowered_at IS NOT NULL AND t - p_age_ms * interval '1 millisecond' < s.lowered_at THEN
                RETURN QUERY SELECT false, orderbatch_rate_factor(s.factor, s.paused_until, t, p_recovery_ms),
                    ceil(extract(epoch FROM greatest(s.paused_until, t) - t) * 1000)::bigint;
                RETURN;
            END IF;
            f := greatest(p_floor, orderbatch_rate_factor(s.factor, s.paused_until, t, p_recovery_ms) * p_decrease);
            until := greatest(coalesce(s.paused_until, t), t + p_pause_ms * interval '1 millisecond');
            UPDATE rate_limit_scopes
               SET factor = f, lowered_at = t, paused_until = until, bucket_tokens = 0, bucket_at = until
             WHERE scope = p_scope;
            RETURN QUERY SELECT true, f, ceil(extract(epoch FROM until - t) * 1000)::bigint;
        END
        $fn$;
        """
}
