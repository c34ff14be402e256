-- Fills a freshly migrated Patron database (PostgreSQL) with a retail chain's three years, straight in SQL.
-- Run by bench/dashboard/generate.sh, which sets these psql variables:
--   members, orders   how many of each (orders is exact)
--   now_ms            "now", in milliseconds since the epoch; the data ends there
--   seed              setseed() value in [-1, 1], so the same sizes and seed give the same shape
--
-- The program is the standard one (version 0: CNY, UTC+08:00, 1 point per whole yuan, points expire 365 days
-- after the day earned, tiers regular / silver / gold / diamond on 12 months' spend of ¥2,000 / ¥8,000 /
-- ¥20,000), so nothing here has to be put in force first.
--
-- Shape:
--   * members join over three years, three times as many a day at the end as at the start, each at a home
--     store (stores of the first cities are busier); ids are ULIDs of the joining time, as the service makes;
--   * 8% never buy, 38% buy once (at joining), the rest buy 1 + a truncated-Pareto share of the remaining
--     orders, scaled by how long they have been members; a third of those stop coming at some point;
--   * orders fall between joining and stopping, more at weekends, at café-like hours (UTC+8), with log-normal
--     amounts (median ¥38; web and social baskets larger, some with shipping), 15% with a discount, 1-3
--     lines from a menu, 70% in stores;
--   * each order earns an `earn` entry and a lot expiring a year later; ~2% are refunded (a `reverse`
--     entry, points taken back from the lot); ~1% redeem a reward (a `spend` entry and a coupon), spent from
--     the member's oldest lots first; lots left over past their expiry are expired (an `expire` entry);
--     balances are the sums of the lots;
--   * qualifying activity for every order and refund, tiers from the last two years' spend with the upgrades
--     and downgrades that lead there, a small rewards catalog, and referrals for 1.5% of members.
-- Not written: order_line_points, point_allocations and point_awards (no page reads them), personal data
-- (names, emails, phones are encrypted with the data key: NULL / absent here), events.
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
SET client_min_messages = warning;
SET synchronous_commit = off;
-- Staging tables are read in the order they were written.
SET synchronize_seqscans = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 2;
SELECT setseed(:seed) \gset

-- Local days (UTC+08:00) as day numbers since the epoch, as the analytics compute them.
SELECT (:now_ms::bigint + 28800000) / 86400000 AS today \gset
SELECT :today - 1095 AS first_day \gset

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- ULIDs as Identifier.make writes them (prefix, 10 base-32 characters of milliseconds, 16 more): here the 16
-- are 40 bits of a sequence number, which keeps them unique, and 40 bits of its hash. Written out as one
-- expression so that PostgreSQL inlines it.
DO $do$
DECLARE
  parts text[];
BEGIN
  SELECT array_agg(format('substr(''0123456789ABCDEFGHJKMNPQRSTVWXYZ'', ((%s >> %s) & 31)::int + 1, 1)', v, s)
                   ORDER BY o)
    INTO parts
    FROM (SELECT k AS o, 'ms' AS v, 5 * (9 - k) AS s FROM generate_series(0, 9) k
          UNION ALL SELECT 10 + k, 'seq', 5 * (7 - k) FROM generate_series(0, 7) k
          UNION ALL SELECT 18 + k, 'hashint8extended(seq, 7)', 5 * (7 - k) FROM generate_series(0, 7) k) p;
  EXECUTE format($f$
    CREATE FUNCTION bench.ulid(prefix text, ms bigint, seq bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $b$ SELECT prefix || '_' || %s $b$ $f$, array_to_string(parts, ' || '));
END $do$;

-- n characters of the typed-code alphabet (no 0/O, 1/I) for the low 5n bits of v.
CREATE FUNCTION bench.typed(v bigint, n int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((v >> (5 * k)) & 31)::int + 1, 1), '' ORDER BY k DESC)
  FROM generate_series(0, n - 1) k $$;

-- An amount in minor units as EarningEngine.format writes it: "45.60 CNY".
CREATE FUNCTION bench.cny(minor bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN minor < 0 THEN '-' ELSE '' END || (abs(minor) / 100)::text || '.'
         || lpad((abs(minor) % 100)::text, 2, '0') || ' CNY' $$;

CREATE FUNCTION bench.tier_index(spend bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN spend >= 2000000 THEN 3 WHEN spend >= 800000 THEN 2 WHEN spend >= 200000 THEN 1 ELSE 0 END $$;

-- 40 stores in six cities, the first cities first.
CREATE TABLE bench.stores AS
SELECT (row_number() OVER () - 1)::int AS n, store_id
FROM unnest(ARRAY(
  SELECT city || '-' || lpad(k::text, 2, '0')
  FROM (VALUES (1, 'SH', 12), (2, 'BJ', 8), (3, 'SZ', 6), (4, 'HZ', 5), (5, 'GZ', 5), (6, 'CD', 4)) c(o, city, stores),
       generate_series(1, stores) k ORDER BY o, k)) store_id;

\timing on
\echo 'members'
-- Joining: a fraction f of the three years with density 1 + 2f (the chain grows), at an hour of the day the
-- stores are busy (local time).
CREATE UNLOGGED TABLE bench.m0 AS
SELECT CASE WHEN t > :now_ms::bigint - 60000 THEN t - 86400000 ELSE t END AS joined_at, u_buy, u_w, u_life, home
FROM (
  SELECT (:first_day + floor(f * 1096))::bigint * 86400000 - 28800000
         + (ARRAY[7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 11, 12, 12, 12, 13, 13, 14, 15, 15, 16, 17, 17, 18, 18, 19, 20, 21])
             [1 + floor(random() * 27)::int]::bigint * 3600000
         + floor(random() * 3600000)::bigint AS t,
         u_buy, u_w, u_life, home
  FROM (SELECT (-1 + sqrt(1 + 8 * random())) / 2 AS f, random() AS u_buy, random() AS u_w, random() AS u_life,
               floor(power(random(), 1.6) * 40)::int AS home
        FROM generate_series(1, :members) OFFSET 0) s
  OFFSET 0
) j;

-- i numbers members by joining time; k is each one's order count, exactly :orders in all: never-buyers 0,
-- one-timers 1, the others 1 + their share (by weight) of what is left, rounded so the cumulative sum stays
-- exact.
CREATE UNLOGGED TABLE bench.m1 AS
SELECT row_number() OVER (ORDER BY joined_at) AS i, joined_at, home, u_life,
       CASE WHEN u_buy < 0.08 THEN 0 WHEN u_buy < 0.46 THEN 1 ELSE 2 END AS cls,
       CASE WHEN u_buy < 0.46 THEN 0
            -- A truncated Pareto (alpha 1.25) times the share of the three years they have been members.
            ELSE least(power(u_w, -1 / 1.25), 150) * (0.03 + (:now_ms::bigint - joined_at) / (1096 * 86400000.0))
       END AS w
FROM bench.m0;

CREATE UNLOGGED TABLE bench.m AS
WITH totals AS (SELECT count(*) FILTER (WHERE cls > 0) AS base, sum(w::numeric) AS weight FROM bench.m1),
     running AS (SELECT *, sum(w::numeric) OVER (ORDER BY i) AS cum FROM bench.m1)
SELECT r.i, bench.ulid('mem', r.joined_at, r.i) AS member_id, 'cust-' || lpad(r.i::text, 7, '0') AS external_id,
       r.joined_at, (r.joined_at + 28800000) / 86400000 AS join_day, r.home,
       CASE r.cls WHEN 0 THEN 0 WHEN 1 THEN 1
         ELSE 1 + greatest(0, (floor((:orders - t.base) * r.cum / t.weight)
                               - floor((:orders - t.base) * (r.cum - r.w::numeric) / t.weight)))::int
       END AS k,
       -- The last local day they may order on: a third of the regulars stop coming some time after joining.
       CASE WHEN r.cls = 2 AND r.u_life < 0.35
            THEN ((r.joined_at + (:now_ms::bigint - r.joined_at) * (0.15 + 0.85 * random()))::bigint + 28800000) / 86400000
            ELSE :today END AS end_day
FROM running r, totals t
ORDER BY r.i;

\echo 'orders (staging)'
-- One row per order: the first at joining, the others on days between joining and stopping (a share of
-- Monday-Thursday visits moved to the weekend), at busy hours. Each level draws its random numbers once per row
-- (OFFSET 0 keeps PostgreSQL from copying a volatile expression into the level above).
CREATE UNLOGGED TABLE bench.raw AS
SELECT q.i, q.member_id, q.j, q.occurred_at, q.channel, s.store_id, q.subtotal,
       CASE WHEN random() < 0.15 THEN (round(q.subtotal * (0.05 + 0.15 * random()) / 10) * 10)::bigint ELSE 0 END AS discount,
       CASE WHEN q.channel IN ('web', 'social', 'phone') AND q.subtotal < 9900 THEN 800 ELSE 0 END AS shipping,
       q.lines, q.refunded, q.full_refund, q.refund_share, q.red_cand, q.reward
FROM (
  SELECT p.i, p.member_id, p.j, c.channel,
         CASE WHEN p.j = 1 THEN p.joined_at
              -- A time later today than now moves to the day before.
              ELSE least(:now_ms::bigint - 1000, greatest(p.joined_at + 60000,
                     CASE WHEN tt.t > :now_ms::bigint - 1000 THEN tt.t - 86400000 ELSE tt.t END))
         END AS occurred_at,
         CASE WHEN c.channel = 'store' THEN CASE WHEN random() < 0.85 THEN p.home ELSE floor(random() * 40)::int END
              WHEN c.channel = 'app' AND random() < 0.6 THEN p.home END AS store_n,
         greatest(800, round(p.amount * CASE WHEN c.channel IN ('web', 'social') THEN 2.2 ELSE 1 END / 10) * 10)::bigint
           AS subtotal,
         CASE WHEN p.u_lines < 0.60 THEN 1 WHEN p.u_lines < 0.88 THEN 2 ELSE 3 END AS lines,
         p.u_refund < 0.02 AS refunded, p.u_refund < 0.012 AS full_refund, p.refund_share,
         p.u_redeem < 0.016 AS red_cand,
         CASE WHEN p.u_reward < 0.45 THEN 1 WHEN p.u_reward < 0.80 THEN 2 ELSE 3 END AS reward
  FROM (
    SELECT m.i, m.member_id, m.home, m.joined_at, g.j,
           m.join_day + floor(random() * (m.end_day - m.join_day + 1))::bigint AS d0,
           random() AS u_weekend, random() AS u_lines, random() AS u_refund, random() AS u_reward,
           random() AS u_redeem, random() AS u_channel, 0.2 + 0.5 * random() AS refund_share,
           -- Log-normal, median ¥38.
           exp(ln(3800) + 0.55 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS amount
    FROM bench.m m
    CROSS JOIN LATERAL generate_series(1, m.k) g(j)
    WHERE m.k > 0
    OFFSET 0
  ) p
  CROSS JOIN LATERAL (
    SELECT CASE WHEN p.u_channel < 0.70 THEN 'store' WHEN p.u_channel < 0.87 THEN 'app' WHEN p.u_channel < 0.94 THEN 'web'
                WHEN p.u_channel < 0.97 THEN 'social' WHEN p.u_channel < 0.99 THEN 'phone' ELSE 'other' END AS channel
  ) c
  CROSS JOIN LATERAL (
    SELECT (CASE WHEN (p.d0 + 3) % 7 <= 3 AND p.u_weekend < 0.15 AND p.d0 + (5 - (p.d0 + 3) % 7) + 1 <= :today
                 THEN p.d0 + (5 - (p.d0 + 3) % 7) + (p.u_weekend < 0.07)::int ELSE p.d0 END) * 86400000 - 28800000
           + (ARRAY[7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 11, 12, 12, 12, 13, 13, 14, 15, 15, 16, 17, 17, 18, 18, 19, 20, 21])
               [1 + floor(random() * 27)::int]::bigint * 3600000
           + floor(random() * 3600000)::bigint AS t
  ) tt
  OFFSET 0
) q
LEFT JOIN bench.stores s ON s.n = q.store_n;

-- Numbered in time order (orders, lots and entries are written in that order, as the service would have),
-- with each member's running totals of points kept (after refunds) and of redemptions wanted: a redemption is
-- made only while the running cost stays within the points earned so far.
CREATE UNLOGGED TABLE bench.ord AS
SELECT seq, i, member_id, j, occurred_at, created_at, channel, store_id, subtotal, discount, shipping, total, lines,
       points, refunded, refund_amount, refund_points, lot_net, net_before,
       red_cand AND cand_incl <= net_incl AS redeemed, cost, reward_id,
       coalesce(store_id, upper(channel)) || '-' || lpad(seq::text, 10, '0') AS order_id,
       (occurred_at + 28800000) / 86400000 AS day
FROM (
  SELECT row_number() OVER (ORDER BY occurred_at, i, j) AS seq, y.*,
         sum(lot_net) OVER mw - lot_net AS net_before,
         sum(lot_net) OVER mw AS net_incl,
         sum(CASE WHEN red_cand THEN cost ELSE 0 END) OVER mw AS cand_incl
  FROM (
    SELECT x.*, x.points - x.refund_points AS lot_net
    FROM (
      SELECT a.*, CASE WHEN a.total > 0 THEN a.points * a.refund_amount / a.total ELSE 0 END AS refund_points
      FROM (
        SELECT r.*, r.subtotal - r.discount + r.shipping AS total, (r.subtotal - r.discount) / 100 AS points,
               r.occurred_at + CASE WHEN r.channel = 'store' THEN floor(random() * 30000)
                                    ELSE floor(random() * 300000) END::bigint AS created_at,
               CASE WHEN NOT r.refunded THEN 0 WHEN r.full_refund THEN r.subtotal - r.discount + r.shipping
                    ELSE (round((r.subtotal - r.discount + r.shipping) * r.refund_share / 10) * 10)::bigint
               END AS refund_amount,
               (ARRAY[200, 300, 500])[r.reward] AS cost,
               (ARRAY['PASTRY', 'COFFEE-10', 'FREE-LATTE'])[r.reward] AS reward_id
        FROM bench.raw r
        OFFSET 0
      ) a
    ) x
  ) y
  WINDOW mw AS (PARTITION BY i ORDER BY occurred_at, j ROWS UNBOUNDED PRECEDING)
) w
ORDER BY seq;
DROP TABLE bench.raw;

\echo 'dropping indexes and constraints for the load'
-- Every primary key, unique constraint, index and foreign key of the tables filled here, to put back afterwards
-- exactly as the migrations made them.
CREATE TABLE bench.ddl AS
WITH bulk AS (
  SELECT unnest(ARRAY['members', 'orders', 'order_lines', 'point_lots', 'point_entries', 'qualifying_activity',
                      'point_balances', 'member_tiers', 'tier_changes', 'refunds', 'refund_lines', 'redemptions',
                      'referrals', 'referral_codes', 'rewards']) AS name
)
SELECT 3 AS phase, c.conrelid::regclass::text AS tbl, c.conname AS name,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS sql
FROM pg_constraint c
WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
  AND (c.conrelid::regclass::text IN (SELECT name FROM bulk) OR c.confrelid::regclass::text IN (SELECT name FROM bulk))
UNION ALL
SELECT 1, c.conrelid::regclass::text, c.conname,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.contype IN ('p', 'u') AND c.connamespace = 'public'::regnamespace
  AND c.conrelid::regclass::text IN (SELECT name FROM bulk)
UNION ALL
SELECT 2, i.tablename, i.indexname, i.indexdef
FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename IN (SELECT name FROM bulk)
  AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace);

DO $do$
DECLARE
  d record;
BEGIN
  FOR d IN SELECT * FROM bench.ddl ORDER BY phase DESC LOOP
    IF d.phase = 2 THEN
      EXECUTE format('DROP INDEX public.%I', d.name);
    ELSE
      EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', d.tbl, d.name);
    END IF;
  END LOOP;
END $do$;

\echo 'rewards'
INSERT INTO rewards (reward_id, definition, stock, issued, created_at, updated_at)
SELECT reward_id, definition, stock, 0, :now_ms::bigint - 1096 * 86400000::bigint, :now_ms::bigint - 1096 * 86400000::bigint
FROM (VALUES
  ('PASTRY', '{"cost_points":200,"coupon_valid_days":30,"kind":"physical_gift","name":{"en":"A free croissant","zh":"免费可颂"},"reward_id":"PASTRY"}', NULL::bigint),
  ('COFFEE-10', '{"cost_points":300,"coupon_valid_days":30,"discount_minor":1000,"kind":"discount_coupon","min_spend_minor":2800,"name":{"en":"¥10 off a coffee","zh":"10元咖啡券"},"reward_id":"COFFEE-10"}', NULL),
  ('FREE-LATTE', '{"cost_points":500,"coupon_valid_days":30,"kind":"physical_gift","name":{"en":"A free latte","zh":"免费拿铁"},"reward_id":"FREE-LATTE"}', NULL),
  ('TUMBLER', '{"cost_points":1500,"eligible_tiers":["gold","diamond"],"kind":"physical_gift","name":{"en":"A limited tumbler","zh":"限定随行杯"},"reward_id":"TUMBLER","stock":500}', 500)
) r(reward_id, definition, stock);

\echo 'orders'
INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, store_id, subtotal_minor, discount_minor,
                    shipping_minor, total_minor, request_fingerprint, created_at)
SELECT order_id, member_id, occurred_at, 'CNY', channel, store_id, subtotal, discount, shipping, total,
       encode(sha256(convert_to(order_id || '|' || member_id || '|' || total, 'UTF8')), 'hex'), created_at
FROM bench.ord;

\echo 'order lines'
-- The subtotal split over 1-3 lines of a café menu: 60% / 40%, or 50% / 30% / 20%, to the ten fen.
INSERT INTO order_lines (order_id, line_number, sku, name, category, quantity, unit_price_minor, discount_minor)
SELECT o.order_id, l.n, (ARRAY['LATTE', 'AMERICANO', 'CAPPUCCINO', 'OAT-LATTE', 'FLAT-WHITE', 'MATCHA', 'OOLONG',
                              'CROISSANT', 'CHEESECAKE', 'SANDWICH', 'BEANS-250', 'TUMBLER-S'])[item],
       (ARRAY['拿铁', '美式', '卡布奇诺', '燕麦拿铁', '澳白', '抹茶拿铁', '乌龙茶', '可颂', '芝士蛋糕', '三明治',
              '咖啡豆 250g', '随行杯'])[item],
       (ARRAY['coffee', 'coffee', 'coffee', 'coffee', 'coffee', 'tea', 'tea', 'bakery', 'bakery', 'food', 'beans',
              'merchandise'])[item],
       1,
       CASE WHEN l.n = o.lines THEN o.subtotal - coalesce(before.amount, 0) ELSE share.amount END,
       0
FROM bench.ord o
CROSS JOIN LATERAL generate_series(1, o.lines) l(n)
CROSS JOIN LATERAL (SELECT 1 + (abs(hashint8extended(o.seq * 4 + l.n, 11)) % 12)::int AS item) it
CROSS JOIN LATERAL (
  SELECT (floor(o.subtotal * CASE o.lines WHEN 2 THEN 0.6 ELSE (ARRAY[0.5, 0.3])[l.n] END / 10) * 10)::bigint AS amount
) share
CROSS JOIN LATERAL (
  SELECT CASE o.lines WHEN 1 THEN 0
                      WHEN 2 THEN (floor(o.subtotal * 0.6 / 10) * 10)::bigint
                      ELSE (floor(o.subtotal * 0.5 / 10) * 10)::bigint + (floor(o.subtotal * 0.3 / 10) * 10)::bigint
         END AS amount
) before;

\echo 'redemptions'
-- Candidates whose running cost stays within the points earned so far; the coupon is used on the same visit
-- three times in four.
CREATE UNLOGGED TABLE bench.red AS
SELECT seq, i, member_id, order_id, reward_id, cost, occurred_at + 60000 AS issued_at, day,
       bench.ulid('rdm', occurred_at + 60000, seq) AS redemption_id, random() < 0.75 AS used
FROM bench.ord WHERE redeemed;

INSERT INTO redemptions (redemption_id, member_id, reward_id, kind, points, coupon_code, status, source, campaign_id,
                         local_day, issued_at, expires_at, used_order_id, used_at, cancelled_at)
SELECT redemption_id, member_id, reward_id, CASE reward_id WHEN 'COFFEE-10' THEN 'discount_coupon' ELSE 'physical_gift' END,
       cost,
       -- 16 letters in groups of four, unique by the order's number.
       substr(c, 1, 4) || '-' || substr(c, 5, 4) || '-' || substr(c, 9, 4) || '-' || substr(c, 13, 4),
       CASE WHEN used THEN 'used' ELSE 'issued' END, 'redemption', NULL, day, issued_at,
       issued_at + 30 * 86400000::bigint, CASE WHEN used THEN order_id END, CASE WHEN used THEN issued_at + 30000 END,
       NULL
FROM (SELECT r.*, bench.typed((seq * 1099511627) & 1099511627775, 8)
                  || bench.typed(hashint8extended(seq, 3) & 1099511627775, 8) AS c
      FROM bench.red r) x;

UPDATE rewards SET issued = (SELECT count(*) FROM bench.red r WHERE r.reward_id = rewards.reward_id);

\echo 'point lots'
-- Redemptions are spent from each member's oldest lots first; what a refund took is gone first.
CREATE UNLOGGED TABLE bench.lot AS
SELECT o.seq, o.i, o.member_id, o.order_id, o.points, o.refund_points, o.created_at, o.occurred_at,
       o.subtotal - o.discount AS net,
       (o.day + 366) * 86400000 - 28800000 AS expires_at,
       CASE WHEN o.lot_net = 0 THEN 'reversed'
            WHEN left_over = 0 THEN 'spent'
            WHEN (o.day + 366) * 86400000 - 28800000 <= :now_ms::bigint THEN 'expired'
            ELSE 'active' END AS status,
       left_over,
       bench.ulid('lot', o.created_at, o.seq) AS lot_id
FROM bench.ord o
LEFT JOIN (SELECT i, sum(cost) AS spent FROM bench.red GROUP BY i) s ON s.i = o.i
CROSS JOIN LATERAL (
  SELECT o.lot_net - least(greatest(coalesce(s.spent, 0) - o.net_before, 0), o.lot_net) AS left_over
) l
WHERE o.points > 0;

INSERT INTO point_lots (lot_id, member_id, source, source_id, points, remaining, status, earned_at, available_at,
                        expires_at, created_at)
SELECT lot_id, member_id, 'order', order_id, points, CASE WHEN status = 'active' THEN left_over ELSE 0 END, status,
       occurred_at, occurred_at, expires_at, created_at
FROM bench.lot ORDER BY seq;

INSERT INTO point_balances (member_id, available, pending, lifetime_earned, debt, updated_at)
SELECT member_id, sum(CASE WHEN status = 'active' THEN left_over ELSE 0 END), 0, sum(points - refund_points), 0,
       max(created_at)
FROM bench.lot GROUP BY member_id;

\echo 'refunds'
CREATE UNLOGGED TABLE bench.refund AS
SELECT seq, i, member_id, order_id, 'RF-' || order_id AS refund_id, refund_amount, refund_points,
       least(:now_ms::bigint - 1000, created_at + 3600000 + floor(random() * 6 * 86400000)::bigint) AS refunded_at,
       occurred_at
FROM bench.ord WHERE refunded AND refund_amount > 0;

INSERT INTO refunds (refund_id, order_id, member_id, request_fingerprint, amount_minor, points_taken, points_forgiven,
                     created_at)
SELECT refund_id, order_id, member_id, encode(sha256(convert_to(refund_id || '|' || refund_amount, 'UTF8')), 'hex'),
       refund_amount, refund_points, 0, refunded_at
FROM bench.refund ORDER BY refunded_at;

INSERT INTO refund_lines (refund_id, line_number, quantity)
SELECT refund_id, 1, 1 FROM bench.refund;

\echo 'qualifying activity'
INSERT INTO qualifying_activity (member_id, occurred_at, spend_minor, points, source, source_id)
SELECT member_id, occurred_at, subtotal - discount, points, 'order', order_id FROM bench.ord;
INSERT INTO qualifying_activity (member_id, occurred_at, spend_minor, points, source, source_id)
SELECT member_id, occurred_at, -refund_amount, -refund_points, 'refund', refund_id FROM bench.refund;

\echo 'point entries'
-- The journal in time order, so entry ids rise with time as they do when the service writes them.
INSERT INTO point_entries (member_id, kind, points, reason, actor, reference, created_at)
SELECT member_id, kind, points, reason, NULL, reference, created_at
FROM (
  SELECT member_id, 'earn' AS kind, points,
         'base: 1 point(s) per 1.00 CNY on ' || bench.cny(net) AS reason,
         order_id AS reference, created_at
  FROM bench.lot
  UNION ALL
  SELECT member_id, 'reverse', -refund_points, 'refund ' || refund_id || ' of order ' || order_id, refund_id,
         refunded_at
  FROM bench.refund WHERE refund_points > 0
  UNION ALL
  SELECT member_id, 'spend', -cost, 'redeemed ' || reward_id, redemption_id, issued_at FROM bench.red
  UNION ALL
  -- The expiry job runs every minute.
  SELECT member_id, 'expire', -left_over,
         'expired at ' || to_char(to_timestamp(expires_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         lot_id, expires_at + 1000 + (seq % 59000)
  FROM bench.lot WHERE status = 'expired' AND left_over > 0
) e
ORDER BY created_at;

\echo 'tiers'
-- The tier a member holds: what the last 12 months' spend qualifies for, but at most one step below what the
-- 12 months before qualified for (downgrades are one step, at the anniversary).
CREATE UNLOGGED TABLE bench.tier AS
SELECT i, member_id, first_at, first_day, prev, now_q,
       CASE WHEN prev > 0 THEN greatest(now_q, prev - 1) ELSE now_q END AS cur,
       y1, y2
FROM (
  SELECT i, member_id, first_at, first_day, y1, y2, bench.tier_index(y1) AS now_q, bench.tier_index(y2) AS prev
  FROM (
    SELECT i, member_id, min(occurred_at) AS first_at, min(day) AS first_day,
           coalesce(sum(subtotal - discount)
             FILTER (WHERE occurred_at >= :now_ms::bigint - 365 * 86400000::bigint), 0)::bigint AS y1,
           coalesce(sum(subtotal - discount)
             FILTER (WHERE occurred_at >= :now_ms::bigint - 730 * 86400000::bigint
                       AND occurred_at < :now_ms::bigint - 365 * 86400000::bigint), 0)::bigint AS y2
    FROM bench.ord GROUP BY i, member_id
  ) sums
) s;

CREATE UNLOGGED TABLE bench.change AS
SELECT * FROM (
  -- Reached the earlier year's tier during that year.
  SELECT t.i, t.member_id, 'regular' AS from_tier, (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.prev + 1] AS to_tier,
         'upgrade: qualifying spend ' || bench.cny(t.y2) || ' reached '
           || bench.cny((ARRAY[0, 200000, 800000, 2000000])[t.prev + 1]) AS reason,
         greatest(t.first_at + 60000, :now_ms::bigint - 730 * 86400000::bigint + floor(random() * 300 * 86400000)::bigint) AS changed_at,
         1 AS step
  FROM bench.tier t WHERE t.prev > 0
  UNION ALL
  -- Lowered one step at the anniversary evaluation.
  SELECT t.i, t.member_id, (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.prev + 1],
         (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.cur + 1],
         'downgrade at evaluation: qualifying spend ' || bench.cny(t.y1) || ' is below '
           || bench.cny((ARRAY[0, 200000, 800000, 2000000])[t.prev + 1]),
         :now_ms::bigint - floor(random() * 300 * 86400000)::bigint, 2
  FROM bench.tier t WHERE t.prev > 0 AND t.cur < t.prev
  UNION ALL
  -- Moved up in the last 12 months.
  SELECT t.i, t.member_id, (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.prev + 1],
         (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.cur + 1],
         'upgrade: qualifying spend ' || bench.cny(t.y1) || ' reached '
           || bench.cny((ARRAY[0, 200000, 800000, 2000000])[t.cur + 1]),
         greatest(t.first_at + 60000, :now_ms::bigint - 365 * 86400000::bigint)
           + floor(random() * least(:now_ms::bigint - greatest(t.first_at + 60000, :now_ms::bigint - 365 * 86400000::bigint), 360 * 86400000::bigint))::bigint,
         3
  FROM bench.tier t WHERE t.cur > t.prev
) c;

INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, changed_at)
SELECT member_id, from_tier, to_tier, reason, changed_at FROM bench.change ORDER BY changed_at;

-- Everyone who ordered has a standing (the first order starts it); it dates from their last change.
INSERT INTO member_tiers (member_id, tier_id, since_day, next_evaluation_day, grace_until_day, updated_at)
SELECT t.member_id, (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.cur + 1], since_day,
       since_day + 365 * ((:today - since_day) / 365 + 1), NULL, coalesce(c.changed_at, t.first_at)
FROM bench.tier t
LEFT JOIN (SELECT DISTINCT ON (i) i, changed_at FROM bench.change ORDER BY i, changed_at DESC) c ON c.i = t.i
CROSS JOIN LATERAL (SELECT coalesce((c.changed_at + 28800000) / 86400000, t.first_day) AS since_day) s;

\echo 'members'
INSERT INTO members (id, external_id, status, tier, name_ciphertext, birthday_ciphertext, attributes, joined_at,
                     created_at, updated_at)
SELECT m.member_id, m.external_id, CASE WHEN hashint8extended(m.i, 5) % 500 = 0 THEN 'suspended' ELSE 'active' END,
       CASE WHEN t.prev > 0 OR t.cur > 0 THEN (ARRAY['regular', 'silver', 'gold', 'diamond'])[t.cur + 1] END,
       NULL, NULL, '{"home_store":"' || s.store_id || '"}', m.joined_at, m.joined_at, m.joined_at
FROM bench.m m
JOIN bench.stores s ON s.n = m.home
LEFT JOIN bench.tier t ON t.i = m.i
ORDER BY m.i;

\echo 'referrals'
-- 1.5% of members joined with an earlier member's code; rewarded once their first order (at least ¥50) is past
-- the 7-day return window.
CREATE UNLOGGED TABLE bench.referral AS
SELECT m.i, m.member_id AS referee_id, r.member_id AS referrer_id, r.i AS referrer_i, m.joined_at,
       r.joined_at AS referrer_joined_at,
       f.order_id, f.occurred_at, f.total
FROM (SELECT * FROM bench.m WHERE i > 100 AND (hashint8extended(i, 9) & 1023) < 15) m
JOIN bench.m r ON r.i = 1 + abs(hashint8extended(m.i, 10)) % (m.i - 1)
LEFT JOIN bench.ord f ON f.i = m.i AND f.j = 1;

INSERT INTO referral_codes (member_id, code, created_at)
SELECT DISTINCT ON (referrer_i) referrer_id, bench.typed((referrer_i * 1099511627) & 1099511627775, 8),
       referrer_joined_at + 86400000
FROM bench.referral ORDER BY referrer_i;

INSERT INTO referrals (referee_id, referrer_id, status, order_id, due_at, rewarded_at, created_at)
SELECT referee_id, referrer_id,
       CASE WHEN order_id IS NULL OR total < 5000 THEN 'joined'
            WHEN occurred_at + 7 * 86400000::bigint <= :now_ms::bigint THEN 'rewarded' ELSE 'qualifying' END,
       CASE WHEN total >= 5000 THEN order_id END,
       CASE WHEN total >= 5000 THEN occurred_at + 7 * 86400000::bigint END,
       CASE WHEN total >= 5000 AND occurred_at + 7 * 86400000::bigint <= :now_ms::bigint
            THEN occurred_at + 7 * 86400000::bigint + 60000 END,
       joined_at
FROM bench.referral ORDER BY joined_at;

\echo 'keys, indexes and foreign keys'
DO $do$
DECLARE
  d record;
BEGIN
  FOR d IN SELECT * FROM bench.ddl ORDER BY phase, tbl, name LOOP
    EXECUTE d.sql;
  END LOOP;
END $do$;

\echo 'summary'
SELECT (SELECT count(*) FROM members) AS members, (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM order_lines) AS order_lines, (SELECT count(*) FROM point_lots) AS lots,
       (SELECT count(*) FROM point_entries) AS entries, (SELECT count(*) FROM refunds) AS refunds,
       (SELECT count(*) FROM redemptions) AS redemptions, (SELECT count(*) FROM referrals) AS referrals;
SELECT tier_id, count(*) FROM member_tiers GROUP BY tier_id ORDER BY count(*) DESC;
SELECT orders_per_member, count(*) AS members FROM (
  SELECT CASE WHEN k = 0 THEN 0 WHEN k = 1 THEN 1 WHEN k <= 3 THEN 2 WHEN k <= 10 THEN 4 WHEN k <= 50 THEN 11
              WHEN k <= 200 THEN 51 ELSE 201 END AS low,
         CASE WHEN k = 0 THEN '0' WHEN k = 1 THEN '1' WHEN k <= 3 THEN '2-3' WHEN k <= 10 THEN '4-10'
              WHEN k <= 50 THEN '11-50' WHEN k <= 200 THEN '51-200' ELSE '201+' END AS orders_per_member
  FROM bench.m) b
GROUP BY orders_per_member, low ORDER BY low;

DROP SCHEMA bench CASCADE;
