"""Tests of the CSV data set loader (core/csv_dataset.py)."""

import numpy as np
import pytest

from core.io.csv_dataset import CSVDatasetError, load_csv, load_csv_text

GOOD = """sepal,petal,species
5.1,1.4,setosa
7.0,4.7,versicolor

6.3,6.0,virginica
4.9, 1.4 ,setosa
"""


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_by_name(tmp_path):
    X, y, features, classes = load_csv(_write(tmp_path, GOOD), "species")
    np.testing.assert_array_equal(X, [[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.4]])
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(y, [0, 1, 2, 0])
    assert features == ["sepal", "petal"]
    assert classes == ["setosa", "versicolor", "virginica"]


def test_good_file_by_index_and_str_path(tmp_path):
    path = str(_write(tmp_path, GOOD))
    by_index = load_csv(path, 2)
    by_negative = load_csv(path, -1)
    by_name = load_csv(path, "species")
    for result in (by_index, by_negative):
        np.testing.assert_array_equal(result[0], by_name[0])
        np.testing.assert_array_equal(result[1], by_name[1])
        assert result[2:] == by_name[2:]


def test_target_column_in_the_middle():
    X, y, features, classes = load_csv_text("a,label,b\n1,yes,2\n3,no,4\n", "label")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, [1, 0])
    assert features == ["a", "b"] and classes == ["no", "yes"]


def test_integer_labels_sort_numerically():
    text = "x,y\n0.5,10\n1.5,2\n2.5,10\n3.5,-1\n"
    _, y, _, classes = load_csv_text(text, "y")
    assert classes == ["-1", "2", "10"]
    np.testing.assert_array_equal(y, [2, 1, 2, 0])


def test_regression():
    X, y, features, classes = load_csv_text("x1,x2,t\n1,2,0.5\n3,4,-1e3\n", "t",
                                            task="regression")
    assert y.shape == (2, 1) and y.dtype == np.float64
    np.testing.assert_array_equal(y[:, 0], [0.5, -1000.0])
    assert classes == [] and features == ["x1", "x2"] and X.shape == (2, 2)


def test_byte_order_mark_and_crlf(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfx,c\r\n1,a\r\n2,b\r\n")
    X, y, features, classes = load_csv(path, "c")
    assert features == ["x"] and classes == ["a", "b"]
    np.testing.assert_array_equal(X[:, 0], [1.0, 2.0])


def test_text_and_file_agree(tmp_path):
    a = load_csv(_write(tmp_path, GOOD), "species")
    b = load_csv_text(GOOD, "species")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("text, target, pattern", [
    # non-numeric value: line 3, column 'b'
    ("a,b,c\n1,2,x\n3,oops,y\n", "c", r"data\.csv, line 3, column 'b': 'oops' is not a number"),
    # empty (missing) value
    ("a,b,c\n1,2,x\n3,,y\n", "c", r"line 3, column 'b': '' is empty"),
    # wrong number of fields (too few, too many)
    ("a,b,c\n1,2,x\n3,4\n", "c", r"line 3: expected 3 fields .* found 2"),
    ("a,b,c\n1,2,x\n3,4,y,5\n", "c", r"line 3: expected 3 fields .* found 4"),
    # NaN and infinity
    ("a,b,c\n1,2,x\n3,nan,y\n", "c", r"line 3, column 'b': nan is not a finite number"),
    ("a,b,c\n1,2,x\n3,4,y\n5,-inf,x\n", "c", r"line 4, column 'b': -inf is not a finite"),
    # line numbers count blank lines
    ("a,b,c\n\n1,2,x\n\n3,four,y\n", "c", r"line 5, column 'b'"),
    # regression target that is not a number / not finite
    ("a,t\n1,2\n3,big\n", "t", r"line 3, column 't': 'big' is not a number"),
    ("a,t\n1,2\n3,inf\n", "t", r"line 3, column 't': 'inf' is not a finite"),
])
def test_bad_rows_name_file_line_and_column(tmp_path, text, target, pattern):
    task = "regression" if target == "t" else "classification"
    with pytest.raises(CSVDatasetError, match=pattern):
        load_csv(_write(tmp_path, text), target, task=task)


@pytest.mark.parametrize("text, target, pattern", [
    ("", "c", r"data\.csv: the file is empty"),
    ("\n\n  \n", "c", r"the file is empty"),
    ("a,b,c\n1,2,x\n3,4,y\n", "label", r"no target column named 'label' \(columns: a, b, c\)"),
    ("a,b,c\n1,2,x\n3,4,y\n", 3, r"index 3 is out of range"),
    ("a,b,c\n1,2,x\n", "c", r"at least 2 data rows, found 1"),
    ("a,b,c\n", "c", r"at least 2 data rows, found 0"),
    ("a,b,c\n1,2,x\n3,4,x\n", "c", r"only one class|every row has the class 'x'"),
    ("1,2,3\n4,5,6\n7,8,9\n", 2, r"line 1: the first row .* looks like data"),
    ("a,a,c\n1,2,x\n3,4,y\n", "c", r"line 1: the column name 'a' appears more than once"),
    ("a,,c\n1,2,x\n3,4,y\n", "c", r"line 1: column 2 of the header has no name"),
    ("c\nx\ny\n", "c", r"at least one feature column"),
    ("a,c\n1,x\n2,\n", "c", r"line 3, column 'c': the class label is empty"),
    ('a,c\n1,x\n2,"y\n', "c", r"line 3: malformed CSV"),
])
def test_invalid_files(tmp_path, text, target, pattern):
    with pytest.raises(CSVDatasetError, match=pattern):
        load_csv(_write(tmp_path, text), target)


def test_missing_file_and_bad_arguments(tmp_path):
    with pytest.raises(CSVDatasetError, match="nope.csv: no such file"):
        load_csv(tmp_path / "nope.csv", "c")
    with pytest.raises(CSVDatasetError, match="task must be"):
        load_csv_text(GOOD, "species", task="clustering")
    with pytest.raises(CSVDatasetError, match="target must be"):
        load_csv_text(GOOD, True)
    (tmp_path / "latin1.csv").write_bytes(b"x,c\n1,caf\xe9\n2,b\n")
    with pytest.raises(CSVDatasetError, match="not UTF-8"):
        load_csv(tmp_path / "latin1.csv", "c")


def test_error_is_a_value_error_and_names_the_text_source():
    assert issubclass(CSVDatasetError, ValueError)
    with pytest.raises(ValueError, match=r"^iris: no target column"):
        load_csv_text(GOOD, "nope", source="iris")
