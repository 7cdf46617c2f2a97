/** Page titles and the accessibility statement (issue #28): Bahasa Indonesia. */
export const a11yId = {
  "title.error": "Terjadi kesalahan",
  "title.notFound": "Halaman tidak ditemukan",
  "title.forbidden": "Akses ditolak",
  "title.overview": "Ringkasan penilaian",
  "title.area": "Lembar kerja",
  "title.consensus": "Konsensus",
  "title.evaluation": "Evaluasi penilaian",
  "title.release": "Rilis instrumen",
  "a11y.footer": "Aksesibilitas",
  "a11y.title": "Pernyataan aksesibilitas",
  "a11y.intro":
    "Cermin dibuat agar dapat dipakai semua orang: dengan papan ketik, pembaca layar, pembesaran, di laptop maupun ponsel. Sasaran kami adalah WCAG 2.2 tingkat AA. Halaman ini menjelaskan apa yang sudah didukung, batasan yang kami ketahui, dan cara melaporkan masalah.",
  "a11y.supported": "Yang didukung",
  "a11y.keyboard": "Papan ketik",
  "a11y.keyboardText":
    "Semua fungsi dapat dipakai dengan papan ketik. Tautan “Lompat ke konten” muncul pada tekan Tab pertama, dan elemen yang sedang fokus diberi bingkai oranye yang jelas. Pada lembar kerja, pilihan jawaban satu butir adalah satu perhentian Tab (pindah pilihan dengan tombol panah); sesudah jawaban ada catatan dan satu tombol yang membuka penjelasan, bukti dukung, diskusi, dan riwayat butir, sehingga jawaban butir berikutnya tercapai dengan paling banyak tiga kali Tab.",
  "a11y.screenReaders": "Pembaca layar",
  "a11y.screenReadersText":
    "Setiap halaman berjudul sesuai isinya (termasuk unit dan tahun penilaian), memakai penanda wilayah (kepala, menu, isi, kaki), dan setiap isian berlabel. Penolakan isian dibacakan di isian itu, status penyimpanan diumumkan, kode QR tanda terima punya teks pengganti, dan angka grafik tersedia dalam tabel.",
  "a11y.zoom": "Pembesaran dan ukuran layar",
  "a11y.zoomText":
    "Halaman dapat diperbesar hingga 200 % tanpa kehilangan isi. Mulai lebar 390 piksel (ponsel) halaman tidak bergeser ke samping: kartu disusun bertumpuk dan tabel yang lebar digulir di dalam kartunya.",
  "a11y.languages": "Bahasa",
  "a11y.languagesText":
    "Antarmuka tersedia dalam Bahasa Indonesia (bawaan) dan bahasa Inggris; tombol bahasa ada di kepala setiap halaman dan pilihan Anda disimpan. Setiap halaman menyatakan bahasanya kepada pembaca layar. Teks instrumen ditampilkan dalam bahasa Inggris bila instrumennya memilikinya.",
  "a11y.contrast": "Warna dan kontras",
  "a11y.contrastText":
    "Teks memiliki kontras sekurang-kurangnya 4,5:1 terhadap latar, bingkai fokus sekurang-kurangnya 3:1. Warna tidak pernah menjadi satu-satunya penanda: status dan nilai juga ditulis. Isian yang tidak dapat diubah tampak abu-abu dengan garis putus-putus, dan halaman menyebutkan alasannya.",
  "a11y.noScript": "Tanpa JavaScript",
  "a11y.noScriptText": "Formulir tetap bekerja tanpa JavaScript (kiriman formulir biasa), termasuk menyimpan jawaban dan mengunggah bukti.",
  "a11y.checks": "Cara kami memeriksa",
  "a11y.checksText":
    "Setiap perubahan diuji di peramban: axe-core (aturan WCAG 2.0, 2.1 dan 2.2 A/AA) dijalankan pada setiap halaman untuk setiap peran dalam kedua bahasa, lebar halaman diukur pada 1366 dan 390 piksel, dan jumlah tekan Tab antarbutir dihitung. Pemeriksaan otomatis tidak menemukan semua masalah; laporan Anda membantu.",
  "a11y.limits": "Batasan yang diketahui",
  "a11y.limitCharts":
    "Grafik dasbor sedang diperbaiki: sebagian penelusuran (drill-down) masih paling mudah dengan tetikus. Angka yang sama tersedia dalam tabel data di bawah setiap grafik dan dapat diunduh.",
  "a11y.limitEvidence":
    "Berkas bukti dukung (PDF, pindaian, gambar) ditampilkan sebagaimana diunggah; Cermin tidak dapat menambahkan teks pada dokumen hasil pindaian.",
  "a11y.limitWorkbooks":
    "Buku kerja Excel (LKE) mengikuti tata letak resmi Kementerian PANRB, termasuk sel gabungan yang sulit dibaca pembaca layar; isi yang sama tersedia di lembar kerja Cermin.",
  "a11y.limitInstruments": "Teks instrumen (pertanyaan, kriteria, penjelasan) adalah teks resmi dan ditampilkan apa adanya.",
  "a11y.report": "Melaporkan masalah",
  "a11y.reportText":
    "Jika ada bagian yang tidak dapat Anda gunakan, laporkan kepada pengelola instansi Anda atau administrator sistem instalasi ini. Sebutkan alamat halaman, apa yang sedang Anda lakukan, serta peramban dan alat bantu yang Anda pakai (mis. NVDA, TalkBack, pembesaran). Masalah pada Cermin sendiri diperbaiki di proyek sumber terbukanya; sementara itu administrator dapat membantu memasukkan atau membacakan data untuk Anda.",
} as const;

export type A11yKey = keyof typeof a11yId;
