#!/usr/bin/env python3
"""Writes N valid Juspay update rows (unique order ids) as CSV to stdout: gen-juspay-csv.py N"""
import sys, random
n = int(sys.argv[1])
rnd = random.Random(42)
out = sys.stdout
out.write("order_id,routing_id,amount,udf1,shipping_address_city\n")
cities = ["Bengaluru", "Mumbai", '"Delhi, NCR"', "Pune", ""]
buf = []
for i in range(1, n + 1):
    buf.append(f"ORD{i:010d},cust{rnd.randrange(100000):06d},{rnd.randrange(100, 9999999) / 100:.2f},reprice,{cities[i % 5]}\n")
    if len(buf) == 10000:
        out.write("".join(buf)); buf.clear()
out.write("".join(buf))
