"""Declarative source adapters: read one raw source as ``data.sources.<name>`` describes it.

A source spec says where the files are (``path``, glob allowed, relative to the data root), how to
parse them (``format``: csv | jsonl | json) and how each standard column is obtained from the raw
data (``columns``)::

    shipments:
      path: shipments/*.csv
      format: csv
      columns:
        store_id: STORE_NBR                                   # shorthand: raw column, dtype str
        week_start: {from: WEEK_END_DT, dtype: date, format: "%m/%d/%Y",
                     anchor: week_ending, week_end_day: sunday}
        units_shipped: {from: SHIP_QTY, dtype: float}
        temperature: {from: Temperature, dtype: float, convert: fahrenheit_to_celsius}
        median_income: {from: demographics.median_income, dtype: float}   # nested JSON (dotted)
        region: {constant: all}                               # the same value on every row
        store_type: {from: Type, map: {A: large}, map_default: small}

``files`` reads each file's text and checks it (decodable, no binary garbage, a csv / jsonl file cut
off mid-line: its last line set aside for ``validate``), ``readers`` / ``records`` parse it into raw
text columns, ``columns`` casts them (options documented there; dates and week anchoring in
``dates``) and ``load`` ties them together and adds lineage (``_source_file``, ``_source_row``).
"""
