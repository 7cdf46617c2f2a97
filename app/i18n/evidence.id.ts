/** Bukti dukung: strings of the evidence panel and the upload/download routes (merged into id.ts). */
export const evidenceId = {
  "evidence.title": "Bukti dukung",
  "evidence.hints": "Bukti yang diharapkan instrumen",
  "evidence.none": "Belum ada bukti dukung untuk butir ini.",
  "evidence.linkKind": "Tautan",
  "evidence.dated": "Tanggal dokumen {date}",
  "evidence.uploadedBy": "Diunggah {name}, {date}",
  "evidence.alsoIn": "Juga mendukung {count} butir lain",
  "evidence.upload": "Unggah berkas",
  "evidence.files": "Berkas (boleh lebih dari satu)",
  "evidence.limits":
    "Maks. {max} per berkas. Jenis yang diterima: PDF, gambar (PNG, JPEG, GIF, WebP), Word/Excel/PowerPoint, OpenDocument, teks/CSV (UTF-8).",
  "evidence.date": "Tanggal dokumen (opsional)",
  "evidence.addLink": "Tambah tautan",
  "evidence.url": "Alamat tautan (http/https)",
  "evidence.linkName": "Nama tautan",
  "evidence.attach": "Lampirkan bukti yang sudah ada",
  "evidence.attachChoose": "Pilih bukti dari butir lain",
  "evidence.attachSubmit": "Lampirkan",
  "evidence.detach": "Lepas dari butir ini",
  "evidence.saving": "Menyimpan…",
  "evidence.fileRequired": "Pilih minimal satu berkas.",
  "evidence.tooMany": "Paling banyak {max} berkas sekali unggah.",
  "evidence.empty": 'Berkas "{name}" kosong (0 bita) dan tidak disimpan.',
  "evidence.tooLarge": 'Berkas "{name}" melebihi batas ukuran {max}.',
  "evidence.storageFull":
    'Berkas "{name}" tidak tersimpan: ruang penyimpanan bukti sedang penuh. Jawaban Anda tetap tersimpan; coba unggah lagi nanti atau hubungi pengelola aplikasi.',
  "evidence.requestTooLarge": "Kiriman terlalu besar. Batas ukuran per berkas adalah {max}; unggah berkas besar satu per satu.",
  "evidence.markup":
    'Berkas "{name}" ditolak: dokumen HTML, SVG atau XML dapat memuat skrip dan tidak diterima sebagai bukti. Simpan sebagai PDF lalu unggah ulang.',
  "evidence.executable": 'Berkas "{name}" ditolak: program atau skrip tidak diterima sebagai bukti.',
  "evidence.macro": 'Berkas "{name}" ditolak: dokumen bermakro tidak diterima. Simpan tanpa makro (.docx, .xlsx, .pptx) atau sebagai PDF.',
  "evidence.unknownType":
    'Berkas "{name}" ditolak: jenisnya tidak dikenali. Jenis yang diterima: PDF, gambar (PNG, JPEG, GIF, WebP), Word/Excel/PowerPoint, OpenDocument, teks/CSV (UTF-8).',
  "evidence.extensionMismatch":
    'Berkas "{name}" berisi {type}, tetapi namanya berakhiran .{ext}. Perbaiki akhiran nama berkas lalu unggah ulang.',
  "evidence.invalidDate": "Tanggal dokumen tidak valid (format TTTT-BB-HH).",
  "evidence.linkInvalid": "Alamat tautan tidak valid. Gunakan alamat lengkap yang diawali http:// atau https://.",
  "evidence.linkScheme": "Hanya tautan http:// atau https:// yang diterima.",
  "evidence.linkCredentials": "Tautan tidak boleh memuat nama pengguna atau kata sandi.",
  "evidence.linkTooLong": "Alamat tautan terlalu panjang (maks. 2.000 karakter).",
  "evidence.unknownItem": "Butir penilaian tidak ditemukan pada instrumen penilaian ini.",
  "evidence.notFound": "Bukti dukung tidak ditemukan pada penilaian ini.",
  "evidence.alreadyAttached": "“{file}”: berkas ini sudah dilampirkan pada butir ini sebagai “{name}”; tidak ditambahkan lagi.",
  "evidence.linkAlreadyAttached": "Tautan ini sudah dilampirkan pada butir ini sebagai “{name}”; tidak ditambahkan lagi.",
  "evidence.reused":
    "“{file}”: berkas ini sudah ada di penilaian ini sebagai “{name}” (butir {items}); kini juga dilampirkan pada butir ini, tanpa salinan kedua.",
  "evidence.linkReused":
    "Tautan ini sudah ada di penilaian ini sebagai “{name}” (butir {items}); kini juga dilampirkan pada butir ini, tanpa salinan kedua.",
  "evidence.duplicateInUpload": "Berkas “{name}” berisi sama dengan berkas lain yang dipilih dalam unggahan ini; disimpan sekali saja.",
} as const;

export type EvidenceKey = keyof typeof evidenceId;
