// Command csvceiling is the benchmark ceiling for journal-entry output: it
// formats and writes rows of the same shape and size as journal_entries.csv
// with no generation logic at all (a counter instead of random draws, no
// accounts, no calendar). What datasynth-data achieves is reported as a
// fraction of this.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
)

func main() {
	lines := flag.Int64("lines", 5_000_000, "rows to write")
	out := flag.String("o", "ceiling.csv", "file to write")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("document_id,company_code,fiscal_year,fiscal_period,posting_date,document_date,document_type,currency,exchange_rate,reference,header_text,created_by,source,business_process,ledger,is_fraud,is_anomaly,line_number,gl_account,debit_amount,credit_amount,local_amount,cost_center,profit_center,line_text\n")
	hdr := []byte("5f0c2a7e-93b1-4c2d-8e4f-0a1b2c3d4e5f,1000,2024,3,2024-03-28,2024-03-27,KR,USD,1.000000,51100012345,Vendor invoice V-1000-000123,U1000-00042,automated,P2P,0L,false,false,")
	var b []byte
	for i := int64(0); i < *lines; i++ {
		b = append(b[:0], hdr...)
		b = strconv.AppendInt(b, i%4+1, 10)
		b = append(b, ",610003,"...)
		v := 100 + i*7919%10_000_000
		b = strconv.AppendInt(b, v/100, 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, 10+v%90, 10)
		b = append(b, ",0.00,"...)
		b = strconv.AppendInt(b, v/100, 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, 10+v%90, 10)
		b = append(b, ",CC-1000-0007,PC-1000-001,Repairs and maintenance\n"...)
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Sync(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
